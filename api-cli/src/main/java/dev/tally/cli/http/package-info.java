/**
 * HTTP/1.1 to the daemon over a Unix socket or TCP with mutual TLS ({@link
 * dev.tally.cli.http.HttpClient}, addresses in {@link dev.tally.cli.http.DaemonAddress}),
 * including hijacked connections for attach and exec. It knows no verbs; of JSON only the
 * daemon's error message ({@code {"message": …}}) and the content type of a JSON body.
 */
package dev.tally.cli.http;
