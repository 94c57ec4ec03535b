using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Brain.Generative;

/// <summary>
/// A three-token "language model" small enough to enumerate (3 tokens of 3 values: 27 outputs per prompt, 2 prompts):
/// the prior is a Markov chain whose start depends on the prompt, the reward counts the prompt's favourite token and
/// rewards a repeated last pair, and the target is the prior's call followed by Factor(r / β). The reward is a sum of
/// unary and adjacent-pair terms, so the tilted target π* ∝ p · exp(r / β) is again a Markov chain and the policy
/// family (free start and transition tables per prompt) contains it exactly.
/// </summary>
public static partial class BrainGfModels
{
    /// <summary>The temperature β of the goodness exp(r / β).</summary>
    public const double Beta = 0.5;

    /// <summary>Tokens per output.</summary>
    public const int Length = 3;

    /// <summary>Values per token.</summary>
    public const int Vocabulary = 3;

    // The probability vectors are built once (and kept out of whatever dispose scope first touches the class): a
    // tensor per site per run would be most of a run's cost.
    private static readonly Tensor[] Start = Rows([[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]]);

    private static readonly Tensor[] Transition = Rows([[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.3, 0.2, 0.5]]);

    private static Tensor[] Rows(double[][] rows) => rows.Select(r => tensor(r, ScalarType.Float64).DetachFromDisposeScope()).ToArray();

    /// <summary>The integer value of a token drawn as a scalar tensor.</summary>
    public static int Token(Tensor t) => (int)t.item<double>();

    /// <summary>r(x, y): +1 per token equal to the prompt's favourite (2 for prompt 0, 0 for prompt 1), +1 when y₁ = y₂.</summary>
    public static double Reward(int x, int y0, int y1, int y2)
    {
        var favourite = x == 0 ? 2 : 0;
        var r = (y0 == favourite ? 1.0 : 0.0) + (y1 == favourite ? 1.0 : 0.0) + (y2 == favourite ? 1.0 : 0.0);
        return r + (y1 == y2 ? 1.0 : 0.0);
    }

    // Tensor choices have no batched or differentiable form (those forms are over doubles), and the target calls the
    // prior as a sub-model, which SMC would replay: the GFI operations run the handler body every [Model] has.
#pragma warning disable PPL0010, PPL0011, PPL0012
    /// <summary>The prior p(y | x): y₀ from the prompt's start distribution, then two Markov transitions.</summary>
    [Model]
    public static Tensor Prior(int x)
    {
        var y0 = Sample(Categorical(Start[x]), "y", 0);
        var y1 = Sample(Categorical(Transition[Token(y0)]), "y", 1);
        var y2 = Sample(Categorical(Transition[Token(y1)]), "y", 2);
        return stack([y0, y1, y2]);
    }

    /// <summary>The target p(y | x) · exp(r(x, y) / β): the prior's choices (at "tokens"), then the reward as a factor.</summary>
    [Model]
    public static Tensor Target(int x)
    {
        var tokens = Prior(x);
        Factor(Reward(x, Token(tokens[0]), Token(tokens[1]), Token(tokens[2])) / Beta);
        return tokens;
    }

    /// <summary>The same target with the prior's choices made inline (at the root), as one program.</summary>
    [Model]
    public static Tensor InlineTarget(int x)
    {
        var y0 = Sample(Categorical(Start[x]), "y", 0);
        var y1 = Sample(Categorical(Transition[Token(y0)]), "y", 1);
        var y2 = Sample(Categorical(Transition[Token(y1)]), "y", 2);
        Factor(Reward(x, Token(y0), Token(y1), Token(y2)) / Beta);
        return stack([y0, y1, y2]);
    }

    /// <summary>A proposal that is not a distribution over its choices: it scores a factor, which the adapters refuse.</summary>
    [Model]
    public static Tensor FactoredProposal(int x)
    {
        var y0 = Sample(Categorical(Start[x]), "y", 0);
        Factor(0.5);
        return y0;
    }
#pragma warning restore PPL0010, PPL0011, PPL0012

    /// <summary>
    /// The policy q_θ(y | x): a Markov chain with free logits per prompt for the start ("start", [2, 3]) and both
    /// transitions ("t1", "t2", [2, 3, 3]), all zero at first (uniform).
    /// </summary>
    [Model]
    public static Tensor Policy(int x)
    {
        var start = Param("start", () => zeros([2, Vocabulary], ScalarType.Float64));
        var t1 = Param("t1", () => zeros([2, Vocabulary, Vocabulary], ScalarType.Float64));
        var t2 = Param("t2", () => zeros([2, Vocabulary, Vocabulary], ScalarType.Float64));
        var y0 = Sample(CategoricalLogits(start[x]), "y", 0);
        var y1 = Sample(CategoricalLogits(t1[x][Token(y0)]), "y", 1);
        var y2 = Sample(CategoricalLogits(t2[x][Token(y1)]), "y", 2);
        return stack([y0, y1, y2]);
    }
}
