package dev.topo.server.process;

/**
 * process-fd-passing on io_uring: the same body, dispatch, fd counts and restart, with the fds passed over io_uring
 * Unix sockets and each connection served by an io_uring channel over the passed fd.
 */
class ProcessFdPassingIoUringTest extends ProcessFdPassingTest {
    @Override
    String yaml() {
        return super.yaml() + "transport: io_uring\n";
    }
}
