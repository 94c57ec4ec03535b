using Ppl.Inference.Amortized.Brain;
using static TorchSharp.torch;

namespace Ppl.Examples.Tasks.Sentiment;

/// <summary>
/// The sentiment reward r(x, y) = (1 / L) Σ_t valence(y_t): the AFINN valence of each continuation word, averaged
/// over the continuation's L tokens (the prompt does not count). A lexicon score rather than a classifier trained
/// on lexicon-labelled sentences: the classifier would only be a noisy copy of this function, while the lexicon is
/// exact, cheap and inspectable, so what the methods are compared on is the distillation, not a reward model's
/// errors.
/// </summary>
public sealed class AfinnReward : IRewardModel<int[], int[]>
{
    private readonly double[] _valence;

    /// <summary>Scores each vocabulary word by <paramref name="lexicon"/> (the unknown word scores 0).</summary>
    public AfinnReward(WordVocabulary vocabulary, AfinnLexicon lexicon)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(lexicon);
        _valence = vocabulary.Words.Select((w, i) => i == WordVocabulary.Unknown ? 0.0 : lexicon.Of(w)).ToArray();
    }

    /// <summary>The valence of each token id.</summary>
    public IReadOnlyList<double> TokenValence => _valence;

    /// <summary>r for one continuation.</summary>
    public double Of(IReadOnlyList<int> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        if (continuation.Count == 0) throw new ArgumentException("An empty continuation has no sentiment.", nameof(continuation));
        double sum = 0;
        foreach (var t in continuation)
            sum += (uint)t < (uint)_valence.Length ? _valence[t] : throw new ArgumentOutOfRangeException(nameof(continuation), t, $"Token ids are 0 … {_valence.Length - 1}.");
        return sum / continuation.Count;
    }

    /// <inheritdoc />
    public Tensor Score(IReadOnlyList<int[]> prompts, IReadOnlyList<int[]> outputs)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(outputs);
        if (prompts.Count == 0 || outputs.Count % prompts.Count != 0)
            throw new ArgumentException($"{outputs.Count} outputs do not split evenly over {prompts.Count} prompts.");
        return tensor(outputs.Select(Of).ToArray()).view(prompts.Count, -1);
    }

    /// <inheritdoc />
    public IReadOnlyList<Tensor> Parameters => [];
}
