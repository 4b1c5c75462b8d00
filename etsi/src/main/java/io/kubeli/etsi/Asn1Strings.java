package io.kubeli.etsi;

/** Character-set checks for ASN.1 restricted strings. */
final class Asn1Strings {
    private Asn1Strings() {}

    /** PrintableString: A-Z a-z 0-9 space ' ( ) + , - . / : = ?. */
    static boolean isPrintable(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isPrintable(s.charAt(i))) return false;
        }
        return true;
    }

    static boolean isPrintable(int c) {
        return (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || c == ' '
                || c == '\''
                || c == '('
                || c == ')'
                || c == '+'
                || c == ','
                || c == '-'
                || c == '.'
                || c == '/'
                || c == ':'
                || c == '='
                || c == '?';
    }
}
