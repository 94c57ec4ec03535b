using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Brain.Generative;

/// <summary>
/// One token of three values per prompt (two prompts): the prior p(y | x), the target p(y | x) · exp(r(x, y)) with
/// r = 1 at the prompt's favourite token, and a policy with free logits per prompt. Its own [Model]s, so that their
/// parameter store is this test class's alone.
/// </summary>
public static partial class DeviceBrainModels
{
    private static readonly Tensor[] Start = [.. new[] { new[] { 0.5, 0.3, 0.2 }, [0.2, 0.3, 0.5] }.Select(r => tensor(r, ScalarType.Float64).DetachFromDisposeScope())];

    /// <summary>The prior probabilities of prompt <paramref name="x"/>.</summary>
    public static double[] PriorProbabilities(int x) => x == 0 ? [0.5, 0.3, 0.2] : [0.2, 0.3, 0.5];

    /// <summary>The reward: 1 at the prompt's favourite token (2 for prompt 0, 0 for prompt 1).</summary>
    public static double Reward(int x, int y) => y == (x == 0 ? 2 : 0) ? 1.0 : 0.0;

#pragma warning disable PPL0010, PPL0011, PPL0012
    /// <summary>The target: the prior's token, then Factor(r).</summary>
    [Model]
    public static Tensor Target(int x)
    {
        var y = Sample(Categorical(Start[x]), "y");
        Factor(Reward(x, (int)y.item<double>()));
        return y;
    }

    /// <summary>The policy: free logits per prompt ("logits", [2, 3], float64 zeros at first).</summary>
    [Model]
    public static Tensor Policy(int x)
    {
        var logits = Param("logits", () => zeros([2, 3], ScalarType.Float64));
        return Sample(CategoricalLogits(logits[x]), "y");
    }
#pragma warning restore PPL0010, PPL0011, PPL0012
}
