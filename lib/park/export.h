// PARK_EXPORT marks what libpark.so (and libpark-service.so) export: the
// public API. Everything else is built with hidden visibility, and each
// library's linker version script keeps template instantiations of other
// namespaces out of its dynamic symbol table too.
//
// Public API (installed): stable within a soname (docs/api-stability.md).
#ifndef PARK_EXPORT_H_
#define PARK_EXPORT_H_

#define PARK_EXPORT __attribute__((visibility("default")))
// For private members of exported classes that name implementation types:
// they stay out of the dynamic symbol table.
#define PARK_HIDDEN __attribute__((visibility("hidden")))

#endif  // PARK_EXPORT_H_
