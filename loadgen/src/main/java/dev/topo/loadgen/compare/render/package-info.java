/**
 * The rendering side of {@code topo compare}: the results table (console text, and cells for the page), the PNG
 * charts, the self-contained {@code index.html} and the change against a baseline as text, all drawn from the
 * {@code compare} package's data. Runs nothing. Imports {@code compare} and the {@code engine} and {@code stats}
 * types its data holds; not {@code cli} or {@code report}.
 */
package dev.topo.loadgen.compare.render;
