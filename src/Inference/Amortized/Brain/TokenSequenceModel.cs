using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain;

/// <summary>
/// A small autoregressive token model q(y | x) = Π_t softmax(W tanh(h_x + h_t + h_{y_{t−1}}) + b)[y_t]
/// over a fixed vocabulary and length, conditioned on a prompt index: the toy "language model" of
/// papers.md 4.6 T2. Each position sees the prompt, its position and the previous token, so any
/// chain-structured target (a Markov prior times a reward made of token and bigram terms) is within
/// reach. Scoring is teacher forcing over the whole batch in one pass. The parameters live on a device in a dtype (CPU
/// float64 by default); log densities leave as CPU float64 (the distillation loop stores its scores that way, the
/// gradient flows back through the copy), and draws are made on the CPU from the stream, so a seed gives the same
/// tokens on every device.
/// </summary>
public sealed class TokenSequenceModel : TensorAmortizedFamily<int, int[]>
{
    private readonly Tensor _prompt; // [P, H]
    private readonly Tensor _position; // [L, H]
    private readonly Tensor _previous; // [V + 1, H], row V is the start symbol
    private readonly Tensor _bias; // [H]
    private readonly Tensor _out; // [H, V]
    private readonly Tensor _outBias; // [V]
    private readonly Tensor[] _all;

    /// <summary>A randomly initialised model.</summary>
    /// <param name="prompts">Number of prompts P (prompts are 0 … P − 1).</param>
    /// <param name="vocabulary">Vocabulary size V.</param>
    /// <param name="length">Sequence length L.</param>
    /// <param name="hidden">Hidden width H.</param>
    /// <param name="rng">Initialisation stream.</param>
    /// <param name="logitScale">Scale of the initial output weights: larger values make a peakier initial distribution.</param>
    /// <param name="device">Where the parameters live (the CPU when null); they are drawn on the CPU and moved, so a seed gives the same model everywhere.</param>
    /// <param name="dtype">The parameters' floating dtype.</param>
    public TokenSequenceModel(int prompts, int vocabulary, int length, int hidden, Rng rng, double logitScale = 1.0, Device? device = null,
        ScalarType dtype = ScalarType.Float64)
    {
        if (prompts < 1 || vocabulary < 2 || length < 1 || hidden < 1)
            throw new ArgumentOutOfRangeException(nameof(prompts), "Need at least one prompt, two tokens, length 1 and width 1.");
        ArgumentNullException.ThrowIfNull(rng);
        Prompts = prompts;
        Vocabulary = vocabulary;
        Length = length;
        Hidden = hidden;
        if (dtype is not (ScalarType.Float64 or ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16))
            throw new ArgumentException($"The parameters need a floating dtype, got {dtype}.", nameof(dtype));
        Device = device ?? CPU;
        DType = dtype;
        using var gen = rng.TorchGenerator();
        Tensor Init(long[] shape, double sd)
        {
            using var scope = NewDisposeScope();
            var t = randn(shape, ScalarType.Float64, generator: gen).Times(sd);
            if (dtype != ScalarType.Float64 || Device.type != DeviceType.CPU) t = t.to(dtype, Device);
            return t.requires_grad_(true).MoveToOuterDisposeScope().DetachFromDisposeScope();
        }
        _prompt = Init(new long[] { prompts, hidden }, 1.0);
        _position = Init(new long[] { length, hidden }, 1.0);
        _previous = Init(new long[] { vocabulary + 1, hidden }, 1.0);
        _bias = Init(new long[] { hidden }, 0.1);
        _out = Init(new long[] { hidden, vocabulary }, logitScale * 2.0 / Math.Sqrt(hidden));
        _outBias = Init(new long[] { vocabulary }, 0.1);
        _all = new[] { _prompt, _position, _previous, _bias, _out, _outBias };
    }

    private TokenSequenceModel(TokenSequenceModel source, bool trainable)
    {
        Prompts = source.Prompts;
        Vocabulary = source.Vocabulary;
        Length = source.Length;
        Hidden = source.Hidden;
        Device = source.Device;
        DType = source.DType;
        Tensor Copy(Tensor t) => t.detach().clone().requires_grad_(trainable).DetachFromDisposeScope();
        _prompt = Copy(source._prompt);
        _position = Copy(source._position);
        _previous = Copy(source._previous);
        _bias = Copy(source._bias);
        _out = Copy(source._out);
        _outBias = Copy(source._outBias);
        _all = new[] { _prompt, _position, _previous, _bias, _out, _outBias };
    }

    /// <summary>Number of prompts.</summary>
    public int Prompts { get; }

    /// <summary>Vocabulary size.</summary>
    public int Vocabulary { get; }

    /// <summary>Sequence length.</summary>
    public int Length { get; }

    /// <summary>Hidden width.</summary>
    public int Hidden { get; }

    /// <summary>Where the parameters live.</summary>
    public Device Device { get; }

    /// <summary>The parameters' floating dtype.</summary>
    public ScalarType DType { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> Parameters => _all;

    /// <summary>A trainable copy with the same parameter values (a policy initialised at the prior).</summary>
    public TokenSequenceModel Clone() => new(this, trainable: true);

    /// <inheritdoc />
    public override IConditionalModel<int, int[]> Snapshot() => new TokenSequenceModel(this, trainable: false);

    /// <summary>
    /// log q(y | x) for prompt indices [N] (int64) and token sequences [N, L] (int64), moved to <see cref="Device"/>; returns
    /// [N] on <see cref="Device"/> in <see cref="DType"/>.
    /// </summary>
    public Tensor SequenceLogProb(Tensor prompts, Tensor tokens)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(tokens);
        using var scope = NewDisposeScope();
        prompts = prompts.to(Device);
        tokens = tokens.to(Device);
        var n = tokens.shape[0];
        var start = TensorArithmetic.Full([n, 1], Vocabulary, ScalarType.Int64, Device);
        var previous = cat(new[] { start, tokens.narrow(1, 0, Length - 1) }, 1);
        var h = _prompt.index_select(0, prompts).unsqueeze(1).Plus(_position.unsqueeze(0))
            .Plus(_previous.index_select(0, previous.flatten()).view(n, Length, Hidden)).Plus(_bias).tanh();
        var logits = h.matmul(_out).Plus(_outBias);
        var lp = nn.functional.log_softmax(logits, 2).gather(2, tokens.unsqueeze(2)).squeeze(2).sum(1);
        return lp.MoveToOuterDisposeScope();
    }

    /// <summary>The next-token distribution after <paramref name="prefix"/> (for enumeration and inspection).</summary>
    public double[] NextTokenProbabilities(int prompt, IReadOnlyList<int> prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Count >= Length) throw new ArgumentException($"A prefix has at most {Length - 1} tokens.", nameof(prefix));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var prev = prefix.Count == 0 ? Vocabulary : prefix[^1];
        var h = _prompt[prompt].Plus(_position[prefix.Count]).Plus(_previous[prev]).Plus(_bias).tanh();
        return ToCpuDoubles(nn.functional.softmax(h.matmul(_out).Plus(_outBias), 0)).data<double>().ToArray();
    }

    /// <inheritdoc />
    public override Tensor LogProbWithGradient(IReadOnlyList<int> prompts, IReadOnlyList<int[]> outputs)
    {
        var n = SamplesPerPrompt(prompts.Count, outputs.Count);
        using var scope = NewDisposeScope();
        var (x, y) = Encode(prompts, outputs, n);
        return ToCpuDoubles(SequenceLogProb(x, y).view(prompts.Count, n)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override int[][] Sample(IReadOnlyList<int> prompts, int samplesPerPrompt, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(rng);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var gen = rng.TorchGenerator();
        var n = (long)prompts.Count * samplesPerPrompt;
        var x = tensor(prompts.Select(p => (long)CheckPrompt(p)).ToArray()).repeat_interleave(samplesPerPrompt).to(Device);
        var hx = _prompt.index_select(0, x).Plus(_bias);
        var prev = TensorArithmetic.Full([n], Vocabulary, ScalarType.Int64, Device);
        var columns = new Tensor[Length];
        for (var t = 0; t < Length; t++)
        {
            var h = hx.Plus(_position[t]).Plus(_previous.index_select(0, prev)).tanh();
            // Drawn on the CPU in float64 from the stream's generator: the same tokens on every device.
            var probs = ToCpuDoubles(nn.functional.softmax(h.matmul(_out).Plus(_outBias), 1));
            var next = multinomial(probs, 1, replacement: true, generator: gen).squeeze(1);
            columns[t] = next;
            prev = next.to(Device);
        }
        var flat = stack(columns, 1).data<long>().ToArray();
        var result = new int[n][];
        for (var i = 0; i < n; i++)
        {
            var seq = new int[Length];
            for (var t = 0; t < Length; t++) seq[t] = (int)flat[i * Length + t];
            result[i] = seq;
        }
        return result;
    }

    /// <summary>Copies parameter values from a model of the same shape.</summary>
    public void CopyFrom(TokenSequenceModel source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var _ = no_grad();
        for (var k = 0; k < _all.Length; k++) _all[k].copy_(source._all[k]);
    }

    /// <summary>Prompt indices [B·n] and tokens [B·n, L] as int64 tensors.</summary>
    internal (Tensor Prompts, Tensor Tokens) Encode(IReadOnlyList<int> prompts, IReadOnlyList<int[]> outputs, int n)
    {
        var xs = new long[outputs.Count];
        var ys = new long[outputs.Count * Length];
        for (var i = 0; i < outputs.Count; i++)
        {
            xs[i] = CheckPrompt(prompts[i / n]);
            var y = outputs[i];
            if (y.Length != Length) throw new ArgumentException($"Output {i} has length {y.Length}; the model's length is {Length}.", nameof(outputs));
            for (var t = 0; t < Length; t++)
            {
                if ((uint)y[t] >= (uint)Vocabulary) throw new ArgumentException($"Output {i} has token {y[t]} at position {t}, outside 0…{Vocabulary - 1}.", nameof(outputs));
                ys[i * Length + t] = y[t];
            }
        }
        return (tensor(xs), tensor(ys).view(outputs.Count, Length));
    }

    /// <summary><paramref name="t"/> as CPU float64 (itself when it is already), the form the distillation loop stores.</summary>
    private static Tensor ToCpuDoubles(Tensor t) =>
        t.device_type == DeviceType.CPU && t.dtype == ScalarType.Float64 ? t : t.to(ScalarType.Float64, CPU);

    private int CheckPrompt(int p) =>
        (uint)p < (uint)Prompts ? p : throw new ArgumentOutOfRangeException(nameof(p), p, $"Prompts are 0…{Prompts - 1}.");
}
