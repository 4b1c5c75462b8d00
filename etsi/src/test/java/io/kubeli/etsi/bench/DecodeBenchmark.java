package io.kubeli.etsi.bench;

import io.kubeli.etsi.MalformedPduException;
import io.kubeli.etsi.PduInspector;
import io.kubeli.etsi.PduSplitter;
import io.kubeli.etsi.PsPdu;
import io.kubeli.etsi.PsPduDecoder;
import io.kubeli.etsi.Vectors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** PDUs per second: full decode, inspector peek (a Summary, and the reused zero-copy flyweight), splitter framing. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DecodeBenchmark {
    @Param({"ipcc-udp.ber", "ipiri-accept.ber", "openli-ipcc.ber"})
    public String vector;

    private byte[] pdu;
    private final PduInspector inspector = new PduInspector();

    @Setup
    public void setup() {
        pdu = Vectors.load(vector);
    }

    @Benchmark
    public PsPdu decode() throws MalformedPduException {
        return PsPduDecoder.DEFAULT.decode(pdu, 0, pdu.length);
    }

    @Benchmark
    public PduInspector.Summary inspect() throws MalformedPduException {
        return PduInspector.inspect(pdu, 0, pdu.length);
    }

    /** What the mediator's ingest reads of every record: LIID position, CIN, sequence number, payload kind. */
    @Benchmark
    public long wrap() throws MalformedPduException {
        PduInspector v = inspector.wrap(pdu, 0, pdu.length);
        return v.liidOffset()
                + v.liidLength()
                + v.cin()
                + v.sequenceNumber()
                + v.kind().ordinal();
    }

    @Benchmark
    public int split() throws MalformedPduException {
        return PduSplitter.pduLength(pdu, 0, pdu.length);
    }
}
