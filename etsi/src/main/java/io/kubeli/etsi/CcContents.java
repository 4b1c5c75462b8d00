package io.kubeli.etsi;

import java.util.Objects;

/** CCContents (a CHOICE): IPCC, IPMMCC, or another alternative kept as raw bytes. */
public sealed interface CcContents {

    /** iPCC [2]: IPCC { iPCCObjId [0], iPCCContents [1] { iPPackets [0] } }. */
    record Ipcc(ObjectId objId, Octets packet) implements CcContents {
        public Ipcc {
            Objects.requireNonNull(objId, "objId");
            Objects.requireNonNull(packet, "packet");
        }
    }

    /**
     * iPMMCC [12] (TS 102 232-5).
     *
     * @param objId            iPMMCCObjId [0]
     * @param contents         mMCCContents [1]
     * @param frameType        frameType [2], or null
     * @param streamIdentifier streamIdentifier [3], or null
     * @param protocol         mMCCprotocol [4], or null (= RTP/RTCP)
     */
    record Ipmmcc(ObjectId objId, Octets contents, FrameType frameType, Octets streamIdentifier, MmccProtocol protocol)
            implements CcContents {
        public Ipmmcc {
            Objects.requireNonNull(objId, "objId");
            Objects.requireNonNull(contents, "contents");
        }
    }

    /** Another CCContents alternative as its complete TLV. */
    record Other(int tagNumber, Octets tlv) implements CcContents {}
}
