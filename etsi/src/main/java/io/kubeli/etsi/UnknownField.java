package io.kubeli.etsi;

/**
 * An extension component this codec does not model, skipped by the decoder and kept here.
 *
 * @param path        where it was found (e.g. {@code pSHeader}, {@code payload.cc[0]})
 * @param tagClass    0 universal, 1 application, 2 context-specific, 3 private
 * @param tagNumber   the tag number
 * @param constructed whether the encoding was constructed
 * @param content     the content octets
 */
public record UnknownField(String path, int tagClass, int tagNumber, boolean constructed, Octets content) {}
