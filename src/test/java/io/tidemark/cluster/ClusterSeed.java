package io.tidemark.cluster;

import java.util.Random;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The seed of a {@link ClusterIT} run: {@code -Dcluster.seed=N} replays one, else a new one is drawn. It is printed
 * at the start and attached to every failure, of the run itself or of any check after it.
 */
final class ClusterSeed implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
    static final String PROPERTY = "cluster.seed";
    private static final long SEED = draw();

    private static long draw() {
        String fixed = System.getProperty(PROPERTY);
        long seed = fixed == null || fixed.isBlank() ? new Random().nextLong() : Long.parseLong(fixed.trim());
        System.out.println("ClusterIT seed " + seed + " (replay with -D" + PROPERTY + "=" + seed + ")");
        return seed;
    }

    static long seed() {
        return SEED;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw noted(context, failure);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure)
            throws Throwable {
        throw noted(context, failure);
    }

    private static Throwable noted(ExtensionContext context, Throwable failure) {
        String note = context.getDisplayName() + " failed with cluster seed " + SEED + "; replay with -D" + PROPERTY
                + "=" + SEED;
        System.err.println(note);
        failure.addSuppressed(new SeedNote(note));
        return failure;
    }

    /** Carries the seed into the failure report. */
    private static final class SeedNote extends RuntimeException {
        SeedNote(String message) {
            super(message, null, false, false);
        }
    }
}
