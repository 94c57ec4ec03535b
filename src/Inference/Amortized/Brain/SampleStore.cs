using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain;

/// <summary>
/// The offline data of one generation round (papers.md 4.4 step 2): for G prompt groups, n proposal
/// samples each with log p, log q′, r and log ℓ. Owns its tensors; dispose it when the round ends.
/// </summary>
public sealed class SampleStore<TX, TY> : IDisposable
{
    /// <summary>Draws n samples for each group's prompt from <paramref name="proposal"/> and scores them.</summary>
    /// <param name="target">Prior, reward and goodness.</param>
    /// <param name="proposal">The proposal q′ (may be the prior itself, which is then scored once).</param>
    /// <param name="prompts">The prompt of each group.</param>
    /// <param name="promptIndices">Index of each group's prompt in the training prompt list.</param>
    /// <param name="samplesPerPrompt">n.</param>
    /// <param name="rng">The random stream.</param>
    public static SampleStore<TX, TY> Generate(DistillationTarget<TX, TY> target, IConditionalModel<TX, TY> proposal,
        IReadOnlyList<TX> prompts, IReadOnlyList<int> promptIndices, int samplesPerPrompt, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(proposal);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var outputs = proposal.Sample(prompts, samplesPerPrompt, rng);
        var logProposal = proposal.LogProb(prompts, outputs);
        var logPrior = ReferenceEquals(proposal, target.Prior) ? logProposal : target.Prior.LogProb(prompts, outputs);
        var reward = target.Reward.Score(prompts, outputs).detach();
        var logGoodness = target.Goodness.LogLikelihood(reward);
        var store = new SampleStore<TX, TY>(prompts.ToArray(), promptIndices.ToArray(), outputs, samplesPerPrompt,
            logPrior.DetachFromDisposeScope(), logProposal.DetachFromDisposeScope(),
            reward.DetachFromDisposeScope(), logGoodness.DetachFromDisposeScope());
        return store;
    }

    private SampleStore(TX[] prompts, int[] promptIndices, TY[] outputs, int n, Tensor logPrior, Tensor logProposal, Tensor reward, Tensor logGoodness)
    {
        Prompts = prompts;
        PromptIndices = promptIndices;
        Outputs = outputs;
        SamplesPerPrompt = n;
        LogPrior = logPrior;
        LogProposal = logProposal;
        Reward = reward;
        LogGoodness = logGoodness;
    }

    /// <summary>The prompt of each group.</summary>
    public IReadOnlyList<TX> Prompts { get; }

    /// <summary>Index of each group's prompt in the training prompt list.</summary>
    public IReadOnlyList<int> PromptIndices { get; }

    /// <summary>The samples, prompt-major.</summary>
    public IReadOnlyList<TY> Outputs { get; }

    /// <summary>n.</summary>
    public int SamplesPerPrompt { get; }

    /// <summary>log p(y | x), [G, n].</summary>
    public Tensor LogPrior { get; }

    /// <summary>log q′(y | x), [G, n].</summary>
    public Tensor LogProposal { get; }

    /// <summary>r(x, y), [G, n].</summary>
    public Tensor Reward { get; }

    /// <summary>log ℓ(r), [G, n].</summary>
    public Tensor LogGoodness { get; }

    /// <summary>Number of groups G.</summary>
    public int Groups => Prompts.Count;

    /// <summary>Groups [start, start + count): their prompts, samples and scores.</summary>
    public (IReadOnlyList<TX> Prompts, IReadOnlyList<TY> Outputs, SampleBatch Batch) Slice(int start, int count)
    {
        var n = SamplesPerPrompt;
        var prompts = new ArraySegment<TX>((TX[])Prompts, start, count);
        var outputs = new ArraySegment<TY>((TY[])Outputs, start * n, count * n);
        var batch = new SampleBatch(LogPrior.narrow(0, start, count), LogProposal.narrow(0, start, count), LogGoodness.narrow(0, start, count));
        return (prompts, outputs, batch);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        LogPrior.Dispose();
        if (!ReferenceEquals(LogProposal, LogPrior)) LogProposal.Dispose();
        Reward.Dispose();
        LogGoodness.Dispose();
    }
}
