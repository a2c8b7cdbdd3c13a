package io.tidemark.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which SQLSTATEs are a database out of resources, to refuse and retry later, rather than retried now or fatal. */
class SqlErrorsTest {
    @ParameterizedTest
    @CsvSource({
        "53100, DISK_FULL, false",
        "53200, OUT_OF_MEMORY, false",
        "53000, INSUFFICIENT_RESOURCES, false",
        "53300, , true", // too many connections: a connection failure, retried at once
        "53400, , false", // configuration limit exceeded: retrying the same write fails the same way
        "23505, , false",
        "08006, , true",
    })
    void classifiesSqlStates(String state, ResourceShortage shortage, boolean retriable) {
        RuntimeException wrapped = new RuntimeException("COPY failed", new SQLException("boom", state));

        assertThat(SqlErrors.resourceShortage(wrapped)).isEqualTo(shortage);
        assertThat(SqlErrors.isRetriable(wrapped)).isEqualTo(retriable);
    }

    @Test
    void describesAFullDiskWithoutInternals() {
        assertThat(ResourceShortage.DISK_FULL.reason()).isEqualTo("disk_full");
        assertThat(new DatabaseOutOfResourcesException(ResourceShortage.DISK_FULL).getMessage()).isEqualTo(
                "PostgreSQL is out of disk space (SQLSTATE 53100): nothing of the request was stored; retry later");
    }
}
