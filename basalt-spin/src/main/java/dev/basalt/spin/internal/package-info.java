/**
 * Helpers shared by basalt-spin's host interfaces, not API: {@link dev.basalt.spin.internal.OpenedOnFirstUse}
 * (named resources opened on first use and closed together).
 */
package dev.basalt.spin.internal;
