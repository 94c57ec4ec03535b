using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain;

/// <summary>Independent uniform tokens: a proposal that differs from any trained policy, for variance comparisons.</summary>
public sealed class UniformTokenModel : IConditionalModel<int, int[]>
{
    /// <summary>Uniform sequences of <paramref name="length"/> tokens out of <paramref name="vocabulary"/>.</summary>
    public UniformTokenModel(int vocabulary, int length)
    {
        if (vocabulary < 1 || length < 1) throw new ArgumentOutOfRangeException(nameof(vocabulary), "Need at least one token and length 1.");
        Vocabulary = vocabulary;
        Length = length;
    }

    /// <summary>Vocabulary size.</summary>
    public int Vocabulary { get; }

    /// <summary>Sequence length.</summary>
    public int Length { get; }

    /// <inheritdoc />
    public int[][] Sample(IReadOnlyList<int> prompts, int samplesPerPrompt, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var result = new int[prompts.Count * samplesPerPrompt][];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = new int[Length];
            for (var t = 0; t < Length; t++) result[i][t] = rng.Next(Vocabulary);
        }
        return result;
    }

    /// <inheritdoc />
    public Tensor LogProb(IReadOnlyList<int> prompts, IReadOnlyList<int[]> outputs) =>
        TensorArithmetic.Full([prompts.Count, outputs.Count / prompts.Count], -Length * Math.Log(Vocabulary), ScalarType.Float64);
}
