using Xunit;

namespace Ppl.Inference.Tests;

/// <summary>
/// Test classes that change TorchSharp's process-wide state (the default dtype, the global seed that
/// <c>DistributionTransformer</c>'s constructor sets for its weight initialisation) run in this collection, alone:
/// run in parallel with other classes they once failed every test in the class with a libtorch check
/// ("Expected false to be true") under a loaded full run, and another class could see the float64 default.
/// </summary>
[CollectionDefinition(nameof(TorchGlobalStateCollection), DisableParallelization = true)]
public sealed class TorchGlobalStateCollection;
