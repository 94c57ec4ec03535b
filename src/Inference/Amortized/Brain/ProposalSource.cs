namespace Ppl.Inference.Amortized.Brain;

/// <summary>Where the offline samples come from (papers.md 4.4, step 2.1).</summary>
public enum ProposalSource
{
    /// <summary>The prior p(y | x) throughout: α̂ is then the reward softmax.</summary>
    Prior,

    /// <summary>A frozen snapshot of q_θ taken at the start of every generation round (on-policy when a round is one step).</summary>
    PolicySnapshot,
}
