package dev.topo.server.listen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SocketInodesTest {
    private static final List<String> TABLE = List.of(
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
            "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0",
            "   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 2222 1 0",
            "   2: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 "
                    + "00:00000000 00000000     0        0 3333 1 0",
            "   3: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1 0");

    @Test
    void listeningSocketsOnThePortOnly() {
        // 8080 = 0x1F90: the established connection (st 01) and the socket on 8081 are not listeners on 8080.
        assertEquals(Set.of(1111L, 3333L), SocketInodes.listening(TABLE, 8080));
    }

    @Test
    void socketLinks() {
        assertEquals(12345L, SocketInodes.ofLink("socket:[12345]"));
        assertEquals(-1L, SocketInodes.ofLink("pipe:[12345]"));
        assertEquals(-1L, SocketInodes.ofLink("/dev/null"));
    }
}
