using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TorchSharp;
using Xunit;

namespace Ppl.Tests.Generated;

/// <summary>
/// M6 for the rest of the list: generated models that call Map, Unfold and Switch over generated
/// kernels, and that make tensor-valued choices, agree with their dynamic twins on choices, returns,
/// scores, weights and errors for every operation (see <see cref="Equivalence"/>).
/// </summary>
public class CombinatorEquivalenceTests
{
    static CombinatorEquivalenceTests() => torch.set_num_threads(1);

    private static double[] Data(int seed, int n)
    {
        var r = new Rng(seed);
        return Enumerable.Range(0, n).Select(_ => r.NextGaussian()).ToArray();
    }

    [Property(MaxTest = 25)]
    public Property MapPlateOverAGeneratedKernel(int seed, byte n) =>
        Equivalence.Check(GenCombinatorModels.PlateModel, DynCombinatorModels.Plate, Data(seed, 1 + n % 4), Data(seed + 1, n % 3), seed).ToProperty();

    [Property(MaxTest = 25)]
    public Property UnfoldChainOverAGeneratedKernel(int seed, byte n) =>
        Equivalence.Check(GenCombinatorModels.WalkModel, DynCombinatorModels.Walk, n % 5, (n + 2) % 5, seed).ToProperty();

    [Property(MaxTest = 30)]
    public Property SwitchBetweenGeneratedBranches(int seed) =>
        Equivalence.Check(GenCombinatorModels.ChooseModel, DynCombinatorModels.Choose, 0.4, 0.7, seed).ToProperty();

    [Property(MaxTest = 15)]
    public Property TensorValuedChoices(int seed, byte n)
    {
        using var scope = torch.NewDisposeScope();
        return Equivalence.Check(GenCombinatorModels.TensorsModel, DynCombinatorModels.Tensors, 1 + n % 3, 1 + (n + 1) % 3, seed).ToProperty();
    }

    [Fact]
    public void TheCombinatorAndTensorModelsAreSpecialised()
    {
        // The suite must exercise generated code, not the dynamic fallback.
        Assert.True(GenCombinatorModels.PlateModel.Metadata.IsSpecialised);
        Assert.True(GenCombinatorModels.WalkModel.Metadata.IsSpecialised);
        Assert.True(GenCombinatorModels.ChooseModel.Metadata.IsSpecialised);
        Assert.True(GenCombinatorModels.TensorsModel.Metadata.IsSpecialised);
        Assert.True(GenCombinatorModels.PointModel.Metadata.IsSpecialised);
    }
}
