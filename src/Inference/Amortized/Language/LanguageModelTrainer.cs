using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Language;

/// <summary>
/// Maximum-likelihood training of a <see cref="CausalTransformer"/> on a token stream (next-token cross-entropy over
/// random windows, TorchSharp's AdamW) and its held-out perplexity.
/// </summary>
public static class LanguageModelTrainer
{
    /// <summary>
    /// Trains <paramref name="model"/>'s network on <paramref name="tokens"/> and returns the mean training loss
    /// (nats per token) of each step. Reports progress and stops on cancellation.
    /// </summary>
    public static IReadOnlyList<double> Fit(TransformerLanguageModel model, IReadOnlyList<int> tokens, LanguageModelTrainingOptions? options = null, RunOptions? run = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokens);
        options ??= new LanguageModelTrainingOptions();
        options.Validate();
        run ??= RunOptions.Default;
        var window = model.Network.Options.ContextLength + 1;
        if (tokens.Count < window) throw new ArgumentException($"The stream has {tokens.Count} tokens; training needs at least one window of {window}.", nameof(tokens));
        var stream = tokens.Select(t => (long)CheckToken(t, model.Vocabulary)).ToArray();
        var rng = new Rng(options.Seed);
        using var optimizer = new Optimization.AdamWOptimizer(model.Parameters, options.LearningRate, weightDecay: options.WeightDecay);
        var losses = new List<double>(options.Steps);
        var reportEvery = Math.Max(1, options.Steps / 100);
        var batch = new long[options.BatchSize * window];
        model.Network.train();
        for (var step = 0; step < options.Steps; step++)
        {
            run.Cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            for (var b = 0; b < options.BatchSize; b++)
                Array.Copy(stream, rng.Next(stream.Length - window + 1), batch, b * window, window);
            var data = tensor(batch, ScalarType.Int64).view(options.BatchSize, window).to(model.Device);
            var logits = model.Network.forward(data.narrow(1, 0, window - 1));
            var loss = nn.functional.cross_entropy(logits.reshape(-1, model.Vocabulary), data.narrow(1, 1, window - 1).reshape(-1));
            var rate = options.LearningRate * (1.0 - 0.9 * step / Math.Max(1, options.Steps));
            optimizer.LearningRate = rate;
            optimizer.ZeroGradients();
            loss.backward();
            optimizer.Step();
            var value = loss.item<float>();
            if (!float.IsFinite(value)) throw new InferenceException($"Language-model training step {step + 1}: the loss is {value}; lower the learning rate.");
            losses.Add(value);
            if ((step + 1) % reportEvery == 0 || step + 1 == options.Steps) run.Progress?.Report(new Progress(step + 1, options.Steps));
        }
        model.Network.eval();
        return losses;
    }

    /// <summary>
    /// exp(mean negative log-likelihood per predicted token) on <paramref name="tokens"/>, read in consecutive
    /// windows of the context length (the first token of each window is context only).
    /// </summary>
    public static double Perplexity(TransformerLanguageModel model, IReadOnlyList<int> tokens, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokens);
        var window = model.Network.Options.ContextLength;
        var windows = tokens.Count / window;
        if (windows == 0) throw new ArgumentException($"Perplexity needs at least {window} tokens; got {tokens.Count}.", nameof(tokens));
        double total = 0;
        long count = 0;
        using var _ = no_grad();
        for (var start = 0; start < windows; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var rows = Math.Min(batchSize, windows - start);
            var data = new long[rows * window];
            for (var i = 0; i < data.Length; i++) data[i] = CheckToken(tokens[start * window + i], model.Vocabulary);
            var sequences = tensor(data, ScalarType.Int64).view(rows, window);
            total += model.ContinuationLogProb(sequences, 1).to_type(ScalarType.Float64).sum().item<double>();
            count += rows * (window - 1L);
        }
        return Math.Exp(-total / count);
    }

    private static int CheckToken(int token, int vocabulary) =>
        (uint)token < (uint)vocabulary ? token : throw new ArgumentOutOfRangeException(nameof(token), token, $"Token ids are 0 … {vocabulary - 1}.");
}
