using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain;

/// <summary>
/// A reward over token sequences made of a prompt-specific score per token and a score per bigram:
/// r(x, y) = Σ_t u[x, y_t] + Σ_{t≥1} v[y_{t−1}, y_t]. Starts at 0; fit it with <see cref="RewardModelTrainer"/>.
/// The parameters live on a device in a dtype (CPU float64 by default); <see cref="Score"/> leaves as CPU float64.
/// </summary>
public sealed class TokenRewardModel : IRewardModel<int, int[]>
{
    private readonly Tensor _unigram;
    private readonly Tensor _bigram;

    /// <summary>A zero reward for <paramref name="prompts"/> prompts over <paramref name="vocabulary"/> tokens.</summary>
    /// <param name="prompts">Number of prompts.</param>
    /// <param name="vocabulary">Vocabulary size.</param>
    /// <param name="device">Where the parameters live (the CPU when null).</param>
    /// <param name="dtype">The parameters' floating dtype.</param>
    public TokenRewardModel(int prompts, int vocabulary, Device? device = null, ScalarType dtype = ScalarType.Float64)
    {
        if (prompts < 1 || vocabulary < 1) throw new ArgumentOutOfRangeException(nameof(prompts), "Need at least one prompt and one token.");
        if (dtype is not (ScalarType.Float64 or ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16))
            throw new ArgumentException($"The parameters need a floating dtype, got {dtype}.", nameof(dtype));
        Vocabulary = vocabulary;
        Device = device ?? CPU;
        _unigram = zeros(new long[] { prompts, vocabulary }, dtype, Device).requires_grad_(true).DetachFromDisposeScope();
        _bigram = zeros(new long[] { vocabulary, vocabulary }, dtype, Device).requires_grad_(true).DetachFromDisposeScope();
        Parameters = new[] { _unigram, _bigram };
    }

    /// <summary>Where the parameters live.</summary>
    public Device Device { get; }

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
        var r = ScoreTensors(tensor(xs), tensor(ys).view(outputs.Count, length)).view(prompts.Count, n);
        // Stored and compared as CPU float64 whatever the parameters' device and dtype; the gradient flows back through the copy.
        return r.device_type == DeviceType.CPU && r.dtype == ScalarType.Float64 ? r : r.to(ScalarType.Float64, CPU);
    }

    /// <summary>r for prompt indices [N] and tokens [N, L] (int64), moved to <see cref="Device"/>; returns [N] there, in the parameters' dtype.</summary>
    public Tensor ScoreTensors(Tensor prompts, Tensor tokens)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(tokens);
        using var scope = NewDisposeScope();
        prompts = prompts.to(Device);
        tokens = tokens.to(Device);
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
