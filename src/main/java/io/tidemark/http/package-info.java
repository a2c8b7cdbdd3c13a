/**
 * The HTTP surface: the route table, request-body decoding (content types, gzip, size limits) and the single mapping
 * of failures to status codes. Nothing else imports this package.
 */
package io.tidemark.http;
