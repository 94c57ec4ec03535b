using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain;

/// <summary>
/// A reward over token sequences made of a prompt-specific score per token and a score per bigram:
/// r(x, y) = Σ_t u[x, y_t] + Σ_{t≥1} v[y_{t−1}, y_t]. Starts at 0; fit it with <see cref="RewardModelTrainer"/>.
/// </summary>
public sealed class TokenRewardModel : IRewardModel<int, int[]>
{
    private readonly Tensor _unigram;
    private readonly Tensor _bigram;

    /// <summary>A zero reward for <paramref name="prompts"/> prompts over <paramref name="vocabulary"/> tokens.</summary>
    public TokenRewardModel(int prompts, int vocabulary)
    {
        if (prompts < 1 || vocabulary < 1) throw new ArgumentOutOfRangeException(nameof(prompts), "Need at least one prompt and one token.");
        Vocabulary = vocabulary;
        _unigram = zeros(new long[] { prompts, vocabulary }, ScalarType.Float64).requires_grad_(true).DetachFromDisposeScope();
        _bigram = zeros(new long[] { vocabulary, vocabulary }, ScalarType.Float64).requires_grad_(true).DetachFromDisposeScope();
        Parameters = new[] { _unigram, _bigram };
    }

    /// <summary>Vocabulary size.</summary>
    public int Vocabulary { get; }

    /// <inheritdoc />
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <inheritdoc />
    public Tensor Score(IReadOnlyList<int> prompts, IReadOnlyList<int[]> outputs)
    {
        if (prompts.Count == 0 || outputs.Count % prompts.Count != 0)
            throw new ArgumentException($"{outputs.Count} outputs do not split evenly over {prompts.Count} prompts.");
        var n = outputs.Count / prompts.Count;
        var length = outputs.Count == 0 ? 0 : outputs[0].Length;
        var xs = new long[outputs.Count];
        var ys = new long[outputs.Count * length];
        for (var i = 0; i < outputs.Count; i++)
        {
            xs[i] = prompts[i / n];
            if (outputs[i].Length != length) throw new ArgumentException("All outputs must have the same length.", nameof(outputs));
            for (var t = 0; t < length; t++) ys[i * length + t] = outputs[i][t];
        }
        return ScoreTensors(tensor(xs), tensor(ys).view(outputs.Count, length)).view(prompts.Count, n);
    }

    /// <summary>r for prompt indices [N] and tokens [N, L] (int64); returns [N].</summary>
    public Tensor ScoreTensors(Tensor prompts, Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var length = tokens.shape[1];
        var uni = _unigram.index_select(0, prompts).gather(1, tokens).sum(1);
        var r = uni;
        if (length > 1)
        {
            var pairIndex = tokens.narrow(1, 0, length - 1).Times(Vocabulary).Plus(tokens.narrow(1, 1, length - 1));
            r = r.Plus(_bigram.flatten().index_select(0, pairIndex.flatten()).view(tokens.shape[0], length - 1).sum(1));
        }
        return r.MoveToOuterDisposeScope();
    }
}
