/**
 * The server's listening sockets, owned apart from any topology so that a live switch hands them from one
 * generation to the next without closing them: {@link dev.topo.server.listen.ListeningSockets} binds them (all with
 * {@code SO_REUSEPORT}, so a later generation can add more on the same port) and closes the ones a generation no
 * longer needs, with the kernel's {@code tcp_migrate_req} when it is on. Imports {@code config} and the JDK only;
 * Netty wraps the sockets elsewhere (in {@code topology}).
 */
package dev.topo.server.listen;
