using Ppl.Examples.Tasks.Sentiment;
using Ppl.Inference.Amortized.Language;
using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Examples;

/// <summary>
/// The sentiment task's language model and target as [Model] methods: the prior draws each continuation word from
/// the transformer's next-word distribution given the prompt and the words so far (a generative function over
/// tokens, addresses y/0 … y/L−1); the target calls it and scores the reward with Factor(r / β), so its density is
/// p(y | x) · exp(r(x, y) / β). The example checks these against the batched prior and target it trains on.
/// </summary>
public static partial class BrainSentimentPrograms
{
    // One network call per word through the GFI: a Categorical over a computed probability vector has no batched
    // form, and the batched TransformerLanguageModel is what training uses; these are the model as a modeler writes it.
#pragma warning disable PPL0010, PPL0011
    /// <summary>p(y | x): <c>lm.ContinuationLength</c> words, each from the transformer given everything before it.</summary>
    [Model]
    public static int[] Continuation(TransformerLanguageModel lm, int[] prompt)
    {
        var context = new List<int>(prompt);
        var words = new int[lm.ContinuationLength];
        for (var t = 0; t < words.Length; t++)
        {
            var probabilities = lm.NextTokenLogProbabilities(context).Select(Math.Exp).ToArray();
            words[t] = Sample(Categorical(probabilities), "y", t);
            context.Add(words[t]);
        }
        return words;
    }

    /// <summary>The target: the prior's words (at "words"), then the sentiment reward as a factor.</summary>
    [Model]
    public static int[] Target(TransformerLanguageModel lm, AfinnReward reward, double beta, int[] prompt)
    {
        var words = Continuation(lm, prompt);
        Factor(reward.Of(words) / beta);
        return words;
    }
#pragma warning restore PPL0010, PPL0011
}
