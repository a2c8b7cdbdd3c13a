/**
 * The feed: one commit-ordered log of committed readings and stored alert events for every node on the database
 * (table {@code feed}, migration V10). Writers append a row per transaction ({@link io.tidemark.feed.FeedAppender});
 * each node follows the table ({@link io.tidemark.feed.FeedFollower}) and hands what commits to its consumers, which
 * read from memory while they keep up and from the table when they fall behind or resume
 * ({@link io.tidemark.feed.Feed#open}). May import {@code storage} (series names), {@code names}, {@code retry},
 * {@code time}, {@code config}.
 */
package io.tidemark.feed;
