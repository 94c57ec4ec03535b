using Ppl.Examples.Tasks.Brain;
using Ppl.Inference.Amortized.Brain;
using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;
using static TorchSharp.torch;

namespace Ppl.Examples;

/// <summary>
/// What the toy's programs read: the prior network's next-token probabilities for every prefix and the fitted reward
/// of every sequence, tabulated once (8 prompts × 781 prefixes, 8 × 3125 sequences), so that a program run is five
/// table look-ups and draws instead of five network calls.
/// </summary>
public sealed class BrainToyTables
{
    private readonly double[][][][] _next; // [x][t][prefix code] → probabilities over the next token
    private readonly double[,] _reward;    // [x, sequence code]

    /// <summary>Tabulates <paramref name="task"/>'s prior and reward model.</summary>
    public BrainToyTables(ToySequenceTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        Vocabulary = task.Options.Vocabulary;
        Length = task.Options.Length;
        Beta = task.Options.Beta;
        var prompts = task.Options.Prompts;
        _next = new double[prompts][][][];
        for (var x = 0; x < prompts; x++)
        {
            _next[x] = new double[Length][][];
            for (var t = 0; t < Length; t++)
            {
                var count = (int)Math.Pow(Vocabulary, t);
                _next[x][t] = new double[count][];
                for (var code = 0; code < count; code++) _next[x][t][code] = task.Prior.NextTokenProbabilities(x, Decode(code, t));
            }
        }
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var s = task.AllSequences.shape[0];
        var rewards = new double[prompts * s];
        for (var x = 0; x < prompts; x++)
        {
            var r = task.RewardModel.ScoreTensors(TensorArithmetic.Full([s], x, ScalarType.Int64), task.AllSequences).data<double>().ToArray();
            Array.Copy(r, 0, rewards, x * s, s);
        }
        _reward = new double[prompts, s];
        Buffer.BlockCopy(rewards, 0, _reward, 0, rewards.Length * sizeof(double));
    }

    /// <summary>Values per token.</summary>
    public int Vocabulary { get; }

    /// <summary>Tokens per sequence.</summary>
    public int Length { get; }

    /// <summary>The goodness temperature β.</summary>
    public double Beta { get; }

    /// <summary>p(y_t | x, prefix) for the prefix whose base-V code is <paramref name="code"/>.</summary>
    public double[] Next(int x, int t, int code) => _next[x][t][code];

    /// <summary>The fitted reward r(x, y) of the sequence whose base-V code is <paramref name="code"/> (first token most significant, as in <see cref="ToySequenceTask.AllSequences"/>).</summary>
    public double Reward(int x, int code) => _reward[x, code];

    private int[] Decode(int code, int length)
    {
        var prefix = new int[length];
        for (var t = length - 1; t >= 0; t--) { prefix[t] = code % Vocabulary; code /= Vocabulary; }
        return prefix;
    }
}

/// <summary>
/// The toy's prior and reward-conditioned target as [Model] methods: the prior draws five tokens from the network's
/// next-token distributions (tabulated in <see cref="BrainToyTables"/>); the target calls it and scores the fitted
/// reward with Factor(r / β), so its density is p(y | x) · exp(r(x, y) / β), the π* of the example.
/// </summary>
public static partial class BrainToyPrograms
{
    // BRAIn runs these through the GFI (Simulate, Generate, Project), one program per sample: a Categorical over a
    // looked-up vector has no batched form, and the target's call to the prior makes SMC replay it, neither of which
    // this use needs.
#pragma warning disable PPL0010, PPL0011
    /// <summary>The prior p(y | x): tokens y/0 … y/4, each from the network's distribution given the prefix.</summary>
    [Model]
    public static int Prior(BrainToyTables tables, int x)
    {
        var code = 0;
        for (var t = 0; t < tables.Length; t++)
        {
            var token = Sample(Categorical(tables.Next(x, t, code)), "y", t);
            code = code * tables.Vocabulary + token;
        }
        return code;
    }

    /// <summary>The target: the prior's tokens (at "tokens"), then the reward as a factor.</summary>
    [Model]
    public static int Target(BrainToyTables tables, int x)
    {
        var tokens = Prior(tables, x);
        Factor(tables.Reward(x, tokens) / tables.Beta);
        return tokens;
    }
#pragma warning restore PPL0010, PPL0011
}
