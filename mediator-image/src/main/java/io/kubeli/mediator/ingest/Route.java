package io.kubeli.mediator.ingest;

import io.kubeli.mediator.store.DeliveryLog;

/**
 * Where one record goes, decided from the mediator's own knowledge.
 *
 * @param log the agency buffer (DELIVER) or null
 * @param kind what happens to the record
 * @param reason why it is not delivered (HOLD for an unknown LIID, QUARANTINE), else null
 */
record Route(DeliveryLog log, Kind kind, Reason reason) {

    /** The fate of a record. */
    enum Kind {
        DELIVER,
        HOLD,
        FILTER,
        QUARANTINE
    }

    /** Why a record is held or held apart (metric label values). */
    enum Reason {
        UNKNOWN_LIID("unknown-liid"),
        NOT_LIID_OWNER("not-liid-owner"),
        REFUSED_INTERCEPT("refused-intercept"),
        AGENCY_MISMATCH("agency-mismatch"),
        PDU_LIID_MISMATCH("pdu-liid-mismatch"),
        MALFORMED_PDU("malformed-pdu");

        final String label;

        Reason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    static final Route HOLD = new Route(null, Kind.HOLD, null);
    static final Route HOLD_UNKNOWN_LIID = new Route(null, Kind.HOLD, Reason.UNKNOWN_LIID);
    static final Route FILTER = new Route(null, Kind.FILTER, null);

    static Route quarantine(Reason r) {
        return new Route(null, Kind.QUARANTINE, r);
    }

    boolean hold() {
        return kind == Kind.HOLD;
    }

    boolean filtered() {
        return kind == Kind.FILTER;
    }

    boolean quarantined() {
        return kind == Kind.QUARANTINE;
    }
}
