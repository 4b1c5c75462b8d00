package io.kubeli.collector;

/** The two record streams of an intercept, each with its own sequence numbers. */
public enum Stream {
    CC,
    IRI
}
