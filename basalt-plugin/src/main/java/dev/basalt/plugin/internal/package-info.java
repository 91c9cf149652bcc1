/** Implementation details of the plug-in host: the kernel memory Extism guests address by i64 offsets. */
package dev.basalt.plugin.internal;
