using TorchSharp;
using Xunit;

namespace Ppl.Tests.Choices;

/// <summary>
/// <see cref="ChoiceMap.Equivalent"/> compares tensor values by shape, dtype and elements. (It once
/// compared TorchSharp's elementwise <c>torch.equal</c> result to <c>true</c> as an object, so no two
/// tensor-valued choice maps were ever equivalent, not even a map with itself.)
/// </summary>
public class TensorEquivalenceTests
{
    static TensorEquivalenceTests() => torch.set_num_threads(1);

    private static ChoiceMap With(torch.Tensor t) => ChoiceMap.Empty.Set("w", t).Set("s", 1.5);

    [Fact]
    public void EqualTensorsAreEquivalentAndDifferentOnesAreNot()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new[] { 1.0, 2.0, 3.0 });
        var m = With(a);
        Assert.True(ChoiceMap.Equivalent(m, m));
        Assert.True(ChoiceMap.Equivalent(m, With(torch.tensor(new[] { 1.0, 2.0, 3.0 }))));
        Assert.False(ChoiceMap.Equivalent(m, With(torch.tensor(new[] { 1.0, 2.0, 3.5 }))));
        Assert.False(ChoiceMap.Equivalent(m, With(torch.tensor(new[] { 1.0, 2.0 }))));
        Assert.False(ChoiceMap.Equivalent(m, With(torch.tensor(new[] { 1.0, 2.0, 3.0 }).reshape(3, 1))));
        Assert.False(ChoiceMap.Equivalent(m, With(torch.tensor(new[] { 1.0f, 2.0f, 3.0f }))));
        Assert.True(ChoiceMap.Equivalent(With(torch.zeros(0)), With(torch.zeros(0))));
    }
}
