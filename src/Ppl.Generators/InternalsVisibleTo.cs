using System.Runtime.CompilerServices;

// The generator's tests check its IR (Ir/) directly, not only through the code it emits.
[assembly: InternalsVisibleTo("Ppl.Generators.Tests")]
