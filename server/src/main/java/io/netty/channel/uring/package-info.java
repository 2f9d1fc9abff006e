/**
 * Not Netty's code: Topo's one adapter that needs io_uring's package-private constructors, to build channels over
 * file descriptors received from elsewhere (see {@link io.netty.channel.uring.AdoptedChannels}). Nothing else goes
 * here; it compiles against the Netty version pinned in the root pom, so a Netty change that breaks it fails the
 * build, not a running server.
 */
package io.netty.channel.uring;
