package io.tidemark.auth;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.config.AuthConfig;
import io.tidemark.config.HttpConfig;
import io.tidemark.config.InvalidConfigException;
import io.tidemark.config.TidemarkConfig;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExposureTest {
    @ParameterizedTest
    @CsvSource({"127.0.0.1, read write, false", "localhost, read write, false", "::1, read, false",
        "0.0.0.0, '', false", "0.0.0.0, read write, true", "192.0.2.1, '', false"})
    void startsWhenNoOtherMachineCanUseAnonymousScopes(String host, String anonymous, boolean allowRemote) {
        assertThatCode(() -> Exposure.check(config(host, anonymous, allowRemote))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource({"0.0.0.0, read write", "0.0.0.0, metrics", "::, read", "192.0.2.1, write"})
    void refusesAnonymousScopesOnAnInterfaceOthersReach(String host, String anonymous) {
        assertThatThrownBy(() -> Exposure.check(config(host, anonymous, false)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("http.host is " + host)
                .hasMessageContaining("auth.anonymous")
                .hasMessageContaining("auth.allow_anonymous_remote: true");
    }

    private static TidemarkConfig config(String host, String anonymous, boolean allowRemote) {
        List<String> scopes = anonymous.isBlank() ? List.of() : List.of(anonymous.split(" "));
        return TidemarkConfig.defaults().withHttp(new HttpConfig(host, 8080))
                .withAuth(new AuthConfig(scopes, allowRemote));
    }
}
