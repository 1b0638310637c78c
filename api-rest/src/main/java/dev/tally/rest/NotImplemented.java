package dev.tally.rest;

/** A request for something tally does not do yet: 501, with a message naming what is missing. */
final class NotImplemented extends RuntimeException {

    NotImplemented(String message) {
        super(message);
    }
}
