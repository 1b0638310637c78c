/**
 * Verbs that send one request (or follow one stream) and print the answer: containers ({@code stop},
 * {@code rm}, {@code ps}, {@code logs} …), images, volumes, grants, events, version, info and admin.
 */
package dev.tally.cli.verbs;
