using Ppl.Inference.Amortized.Brain;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Language;

/// <summary>
/// A <see cref="CausalTransformer"/> as a conditional distribution over continuations: given a prompt of token
/// ids x, the output y is the next <see cref="ContinuationLength"/> tokens, q(y | x) = Π_t softmax(f(x, y_&lt;t))[y_t].
/// It is the prior of a reward-conditioned target and, cloned, the policy BRAIn and its relatives train
/// (<see cref="TensorAmortizedFamily{TX, TY}"/>): scoring is one teacher-forced pass over prompt and continuation,
/// sampling is token by token. Log densities come back as float64 on the CPU whatever the model's device and
/// dtype, so that they meet the CPU float64 scores the distillation loop stores.
/// </summary>
public sealed class TransformerLanguageModel : TensorAmortizedFamily<int[], int[]>, IDisposable
{
    private readonly Tensor[] _parameters;

    /// <summary>Wraps <paramref name="network"/> (moved to <paramref name="device"/> and <paramref name="dtype"/>).</summary>
    /// <param name="network">The transformer; this object owns it from now on.</param>
    /// <param name="continuationLength">Tokens per output y.</param>
    /// <param name="device">Where the network computes (the CPU when null).</param>
    /// <param name="dtype">The network's floating-point type (float32 when null).</param>
    public TransformerLanguageModel(CausalTransformer network, int continuationLength, Device? device = null, ScalarType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (continuationLength < 1 || continuationLength >= network.Options.ContextLength)
            throw new ArgumentOutOfRangeException(nameof(continuationLength), continuationLength,
                $"A continuation has 1 … {network.Options.ContextLength - 1} tokens (the context is {network.Options.ContextLength}).");
        Device = device ?? CPU;
        DType = dtype ?? ScalarType.Float32;
        Network = network;
        Network.to(Device).to(DType);
        ContinuationLength = continuationLength;
        _parameters = Network.parameters().Cast<Tensor>().ToArray();
    }

    /// <summary>The transformer.</summary>
    public CausalTransformer Network { get; }

    /// <summary>Tokens per continuation.</summary>
    public int ContinuationLength { get; }

    /// <summary>Where the network computes.</summary>
    public Device Device { get; }

    /// <summary>The network's floating-point type.</summary>
    public ScalarType DType { get; }

    /// <summary>The vocabulary size.</summary>
    public int Vocabulary => Network.Options.Vocabulary;

    /// <inheritdoc />
    public override IReadOnlyList<Tensor> Parameters => _parameters;

    /// <summary>A trainable copy with the same weights, on the same device (a policy initialised at the prior).</summary>
    public TransformerLanguageModel Clone()
    {
        var copy = new TransformerLanguageModel(new CausalTransformer(Network.Options, new Rng(0)), ContinuationLength, Device, DType);
        copy.CopyFrom(this);
        return copy;
    }

    /// <summary>Copies the weights of a model of the same shape.</summary>
    public void CopyFrom(TransformerLanguageModel source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Network.Options != Network.Options) throw new ArgumentException("The two models have different shapes.", nameof(source));
        using var _ = no_grad();
        for (var k = 0; k < _parameters.Length; k++) _parameters[k].copy_(source._parameters[k]);
    }

    /// <inheritdoc />
    public override IConditionalModel<int[], int[]> Snapshot()
    {
        var copy = Clone();
        foreach (var p in copy._parameters) p.requires_grad_(false);
        return copy;
    }

    /// <summary>Stops gradients to the weights (for a frozen prior).</summary>
    public TransformerLanguageModel Freeze()
    {
        foreach (var p in _parameters) p.requires_grad_(false);
        return this;
    }

    /// <summary>Writes the weights in TorchSharp's format.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Network.save(path);
    }

    /// <summary>Reads weights written by <see cref="Save"/> into a model of shape <paramref name="options"/>.</summary>
    public static TransformerLanguageModel Load(string path, TransformerOptions options, int continuationLength, Device? device = null, ScalarType? dtype = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No saved language model at '{path}'.", path);
        var network = new CausalTransformer(options, new Rng(0));
        network.to(dtype ?? ScalarType.Float32); // the saved tensors' type must match the module's to load
        network.load(path);
        return new TransformerLanguageModel(network, continuationLength, device, dtype);
    }

    /// <summary>
    /// log q(y_i | x_i) for each row: <paramref name="sequences"/> [N, P + L] holds prompt and continuation
    /// (int64 on any device), the first <paramref name="promptLength"/> tokens are the prompt. Returns [N] in
    /// the network's dtype on its device, differentiable with respect to the weights.
    /// </summary>
    public Tensor ContinuationLogProb(Tensor sequences, int promptLength)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (promptLength < 1) throw new ArgumentOutOfRangeException(nameof(promptLength), promptLength, "A prompt has at least one token.");
        using var scope = NewDisposeScope();
        var tokens = sequences.to(Device);
        var total = tokens.shape[1];
        var logits = Network.forward(tokens.narrow(1, 0, total - 1));                      // row t predicts token t + 1
        var targets = tokens.narrow(1, 1, total - 1);
        var logProbs = nn.functional.log_softmax(logits, 2).gather(2, targets.unsqueeze(2)).squeeze(2);
        return logProbs.narrow(1, promptLength - 1, total - promptLength).sum(1).MoveToOuterDisposeScope();
    }

    /// <summary>log p(next token | <paramref name="prefix"/>) over the vocabulary, computed from the prefix alone.</summary>
    public double[] NextTokenLogProbabilities(IReadOnlyList<int> prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Count == 0) throw new ArgumentException("The prefix needs at least one token.", nameof(prefix));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var tokens = tensor(prefix.Select(CheckToken).ToArray(), ScalarType.Int64).unsqueeze(0).to(Device);
        var logits = Network.forward(tokens)[0, -1];
        return nn.functional.log_softmax(logits, 0).to(CPU).to_type(ScalarType.Float64).data<double>().ToArray();
    }

    /// <inheritdoc />
    public override Tensor LogProbWithGradient(IReadOnlyList<int[]> prompts, IReadOnlyList<int[]> outputs)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(outputs);
        var n = SamplesPerPrompt(prompts.Count, outputs.Count);
        using var scope = NewDisposeScope();
        var (sequences, promptLength) = Encode(prompts, outputs, n);
        return ContinuationLogProb(sequences, promptLength).to(CPU).to_type(ScalarType.Float64).view(prompts.Count, n).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override int[][] Sample(IReadOnlyList<int[]> prompts, int samplesPerPrompt, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(rng);
        if (samplesPerPrompt < 1) throw new ArgumentOutOfRangeException(nameof(samplesPerPrompt), samplesPerPrompt, "Draw at least one sample per prompt.");
        var promptLength = PromptLength(prompts);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        // Categorical draws on the CPU with a generator from the stream: the same tokens on every device.
        using var generator = rng.TorchGenerator();
        var rows = prompts.Count * samplesPerPrompt;
        var prefix = new long[rows * promptLength];
        for (var i = 0; i < rows; i++)
            for (var t = 0; t < promptLength; t++) prefix[i * promptLength + t] = CheckToken(prompts[i / samplesPerPrompt][t]);
        var tokens = tensor(prefix, ScalarType.Int64).view(rows, promptLength).to(Device);
        for (var t = 0; t < ContinuationLength; t++)
        {
            using var step = NewDisposeScope();
            var logits = Network.forward(tokens).select(1, -1).to(CPU).to_type(ScalarType.Float64);
            var next = multinomial(nn.functional.softmax(logits, 1), 1, replacement: true, generator: generator);
            tokens = cat(new[] { tokens, next.to(Device) }, 1).MoveToOuterDisposeScope();
        }
        var flat = tokens.narrow(1, promptLength, ContinuationLength).to(CPU).data<long>().ToArray();
        var result = new int[rows][];
        for (var i = 0; i < rows; i++)
        {
            var y = new int[ContinuationLength];
            for (var t = 0; t < ContinuationLength; t++) y[t] = (int)flat[i * ContinuationLength + t];
            result[i] = y;
        }
        return result;
    }

    /// <summary>Releases the network's native memory.</summary>
    public void Dispose() => Network.Dispose();

    /// <summary>Prompt and continuation of each output as one [B·n, P + L] int64 tensor, and P.</summary>
    private (Tensor Sequences, int PromptLength) Encode(IReadOnlyList<int[]> prompts, IReadOnlyList<int[]> outputs, int n)
    {
        var promptLength = PromptLength(prompts);
        var width = promptLength + ContinuationLength;
        var data = new long[outputs.Count * width];
        for (var i = 0; i < outputs.Count; i++)
        {
            var x = prompts[i / n];
            var y = outputs[i] ?? throw new ArgumentException($"Output {i} is null.", nameof(outputs));
            if (y.Length != ContinuationLength)
                throw new ArgumentException($"Output {i} has {y.Length} tokens; the model's continuations have {ContinuationLength}.", nameof(outputs));
            for (var t = 0; t < promptLength; t++) data[i * width + t] = CheckToken(x[t]);
            for (var t = 0; t < ContinuationLength; t++) data[i * width + promptLength + t] = CheckToken(y[t]);
        }
        return (tensor(data, ScalarType.Int64).view(outputs.Count, width), promptLength);
    }

    /// <summary>The common prompt length of a batch (prompts of one batch share a length, so that it is one tensor).</summary>
    private int PromptLength(IReadOnlyList<int[]> prompts)
    {
        if (prompts.Count == 0) throw new ArgumentException("No prompts.", nameof(prompts));
        var length = prompts[0]?.Length ?? 0;
        for (var b = 0; b < prompts.Count; b++)
        {
            var p = prompts[b] ?? throw new ArgumentException($"Prompt {b} is null.", nameof(prompts));
            if (p.Length != length)
                throw new ArgumentException($"Prompt {b} has {p.Length} tokens and prompt 0 has {length}: prompts of one batch must have the same length.", nameof(prompts));
        }
        if (length < 1) throw new ArgumentException("A prompt has at least one token.", nameof(prompts));
        if (length + ContinuationLength > Network.Options.ContextLength)
            throw new ArgumentException($"A prompt of {length} tokens plus a continuation of {ContinuationLength} exceeds the context of {Network.Options.ContextLength}.", nameof(prompts));
        return length;
    }

    private long CheckToken(int token) =>
        (uint)token < (uint)Vocabulary ? token : throw new ArgumentOutOfRangeException(nameof(token), token, $"Token ids are 0 … {Vocabulary - 1}.");
}
