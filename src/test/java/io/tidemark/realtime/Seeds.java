package io.tidemark.realtime;

/** The seed of a randomized test: {@code -Dseed=N} replays a failure; otherwise a fresh one, printed. */
final class Seeds {
    private Seeds() {}

    static long seed(String test) {
        String given = System.getProperty("seed");
        long seed = given != null ? Long.parseLong(given) : System.nanoTime();
        System.out.println(test + ": seed " + seed + " (replay with -Dseed=" + seed + ")");
        return seed;
    }
}
