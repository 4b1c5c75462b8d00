package io.kubeli.capture;

import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A veth pair for the tests of one class, as a static {@code @RegisterExtension}: made before them (namespace
 * PREFIX-*, 198.18.SUBNET.0/24), removed after; the class is skipped with the reason when a tool it needs is missing
 * or the pair cannot be made (not root, no ip tool).
 */
public final class LiveVeth implements BeforeAllCallback, AfterAllCallback {
    private final String prefix;
    private final int subnet;
    private final Supplier<String> missing;
    private VethPair veth;

    public LiveVeth(String prefix, int subnet) {
        this(prefix, subnet, () -> null);
    }

    /** {@code missing}: why the class cannot run here (a tool not installed), or null. */
    public LiveVeth(String prefix, int subnet, Supplier<String> missing) {
        this.prefix = prefix;
        this.subnet = subnet;
        this.missing = missing;
    }

    /** The pair (inside the tests of the class). */
    public VethPair get() {
        if (veth == null) {
            throw new IllegalStateException("no veth pair outside the tests of the class");
        }
        return veth;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String why = missing.get();
        Assumptions.assumeTrue(why == null, () -> "skipped: " + why);
        String[] no = {null};
        veth = VethPair.tryCreate(no, prefix, subnet);
        Assumptions.assumeTrue(veth != null, () -> "skipped: " + no[0]);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (veth != null) {
            veth.close();
            veth = null;
        }
    }
}
