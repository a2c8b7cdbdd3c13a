package io.tidemark.auth;

import io.tidemark.config.InvalidConfigException;
import io.tidemark.config.TidemarkConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The safe default, enforced: a server that grants anonymous scopes does not listen where other machines can reach
 * it, unless its config says {@code auth.allow_anonymous_remote: true}.
 */
public final class Exposure {
    private Exposure() {}

    /** @throws InvalidConfigException naming the keys, if the config would open data to other machines */
    public static void check(TidemarkConfig config) {
        String host = config.http().host();
        if (config.auth().anonymous().isEmpty() || config.auth().allowAnonymousRemote() || isLoopback(host)) return;
        throw new InvalidConfigException("http.host is " + host + ", which other machines can reach, and "
                + "auth.anonymous grants " + config.auth().anonymous() + " to requests without a credential: "
                + "anyone could use them. Set auth.anonymous: [] (and give clients tokens, see README 'Security'),"
                + " or http.host: 127.0.0.1, or auth.allow_anonymous_remote: true if that is really meant");
    }

    private static boolean isLoopback(String host) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) return false;
            }
            return true;
        } catch (UnknownHostException e) {
            return false; // binding will fail and say why; until then, assume the worst
        }
    }
}
