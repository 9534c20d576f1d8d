// SPDX-License-Identifier: MIT
using System.Runtime.CompilerServices;

// The pipeline's unit tests check internal invariants (segment verification, fallback layout,
// header filtering) directly.
[assembly: InternalsVisibleTo("WildDuck.Storage.Tests")]
