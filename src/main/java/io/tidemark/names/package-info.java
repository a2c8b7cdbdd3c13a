/**
 * The one rule for names (sensors, metrics, alert rules): what a name may contain, checked where names arrive, in
 * request bodies and in query parameters alike. Imports nothing of Tidemark; every package may use it.
 */
package io.tidemark.names;
