package io.tidemark.testing;

import java.util.Random;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Hands a test method a {@link Random} parameter and, if the test fails, prints its seed and attaches it to the
 * failure. Replay a failing run with {@code mvn verify -Dtidemark.seed=<seed>}.
 */
public final class RandomSeed implements ParameterResolver, TestExecutionExceptionHandler {
    public static final String PROPERTY = "tidemark.seed";
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RandomSeed.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Random.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        String fixed = System.getProperty(PROPERTY);
        long seed = fixed == null || fixed.isBlank() ? new Random().nextLong() : Long.parseLong(fixed.trim());
        context.getStore(NAMESPACE).put("seed", seed);
        return new Random(seed);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        Long seed = context.getStore(NAMESPACE).get("seed", Long.class);
        if (seed != null) {
            String note = context.getRequiredTestClass().getSimpleName() + "." + context.getDisplayName()
                    + " failed with random seed " + seed + "; replay with -D"
                    + PROPERTY + "=" + seed;
            System.err.println(note);
            failure.addSuppressed(new SeedNote(note));
        }
        throw failure;
    }

    /** Carries the seed into the failure report. */
    private static final class SeedNote extends RuntimeException {
        SeedNote(String message) {
            super(message, null, false, false);
        }
    }
}
