package io.kubeli.etsi;

import java.util.Objects;

/**
 * PSHeader communicationIdentifier [3]: networkIdentifier (operatorId, networkElementId), CIN, deliveryCountryCode.
 *
 * @param operatorId          operatorIdentifier [0] (1..16 octets)
 * @param networkElementId    networkElementIdentifier [1], or null
 * @param cin                 communicationIdentityNumber (0..2^32-1), or null
 * @param deliveryCountryCode deliveryCountryCode (2 chars), or null
 */
public record CommunicationIdentifier(
        Octets operatorId, Octets networkElementId, Long cin, String deliveryCountryCode) {
    public CommunicationIdentifier {
        Objects.requireNonNull(operatorId, "operatorId");
    }
}
