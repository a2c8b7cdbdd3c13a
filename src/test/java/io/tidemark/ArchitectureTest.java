package io.tidemark;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The map of the packages, as each package-info.java states it: which feature may use which. A new import that
 * crosses the map fails here, so the map in the README stays true.
 */
class ArchitectureTest {
    private static final String ROOT = "io.tidemark";
    private static final int MAX_MAIN_FILE_LINES = 300;
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    /** Each package and the Tidemark packages it may import besides itself. */
    private static final Map<String, List<String>> ALLOWED = Map.ofEntries(
            Map.entry("config", List.of()),
            Map.entry("time", List.of()),
            Map.entry("retry", List.of()),
            Map.entry("names", List.of()),
            Map.entry("storage", List.of("names", "retry", "time", "config")),
            Map.entry("feed", List.of("storage", "names", "retry", "time", "config")),
            Map.entry("ingest.format", List.of("names", "time", "config")),
            Map.entry("ingest", List.of("ingest.format", "feed", "names", "storage", "retry", "time", "config")),
            Map.entry("query", List.of("names", "time", "config")),
            Map.entry("alerts", List.of("feed", "names", "query", "storage", "retry", "time", "config")),
            Map.entry("stream", List.of("feed", "names", "query", "storage", "time", "config")),
            Map.entry("jobs", List.of("storage", "retry", "time", "config")),
            Map.entry("auth", List.of("storage", "time", "config")),
            Map.entry("http", List.of("ingest", "ingest.format", "query", "stream", "feed", "alerts", "jobs", "auth",
                    "names", "storage", "config")));

    static Stream<String> packages() {
        return ALLOWED.keySet().stream().sorted();
    }

    @ParameterizedTest
    @MethodSource("packages")
    void packageImportsOnlyWhatItsMapAllows(String pkg) {
        String[] forbidden = Stream.concat(ALLOWED.keySet().stream(), Stream.of(""))
                .filter(other -> !other.equals(pkg) && !ALLOWED.get(pkg).contains(other))
                .map(other -> other.isEmpty() ? ROOT : ROOT + "." + other)
                .toArray(String[]::new);
        noClasses().that().resideInAPackage(ROOT + "." + pkg)
                .should().dependOnClassesThat().resideInAnyPackage(forbidden)
                .because("package-info.java of " + pkg + " says what it may import")
                .check(MAIN);
    }

    @Test
    void everyPackageIsOnTheMap() {
        assertThat(MAIN.stream().map(c -> c.getPackageName()).distinct()
                .filter(p -> !p.equals(ROOT)).map(p -> p.substring(ROOT.length() + 1)))
                .allMatch(ALLOWED::containsKey, "is a package of the map above");
    }

    @Test
    void featuresHaveNoCycles() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void mainSourceFilesReadInOneSitting() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".java")))
                    .allSatisfy(f -> assertThat(Files.readAllLines(f)).as(f.toString())
                            .hasSizeLessThanOrEqualTo(MAX_MAIN_FILE_LINES));
        }
    }
}
