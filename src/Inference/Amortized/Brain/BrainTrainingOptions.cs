namespace Ppl.Inference.Amortized.Brain;

/// <summary>Settings of the offline distillation loop (<see cref="BrainTrainer"/>).</summary>
public sealed record BrainTrainingOptions
{
    /// <summary>The estimator (BRAIn by default; DPG, GDC++, DPO, RWS, REINFORCE by the same code path).</summary>
    public DistillationOptions Objective { get; init; } = DistillationOptions.Brain;

    /// <summary>n, samples per prompt in one group.</summary>
    public int SamplesPerPrompt { get; init; } = 8;

    /// <summary>Prompt groups per gradient step (the minibatch).</summary>
    public int GroupsPerStep { get; init; } = 8;

    /// <summary>Gradient steps in all.</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>The proposal.</summary>
    public ProposalSource Proposal { get; init; } = ProposalSource.Prior;

    /// <summary>
    /// Steps per generation round: each round draws RefreshEvery × GroupsPerStep fresh groups from the
    /// proposal (a snapshot is refreshed here too), stores their scores and trains on them once.
    /// </summary>
    public int RefreshEvery { get; init; } = 200;

    /// <summary>Adam step size.</summary>
    public double LearningRate { get; init; } = 1e-2;

    /// <summary>Seed; rounds derive their streams from it, so a resumed run draws what the uninterrupted one would.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>
    /// log Z(x) per prompt index, for estimators with normalised target weights (DPG, GDC++). When null
    /// they use a running importance-sampling estimate over all samples seen so far for that prompt.
    /// </summary>
    public Func<int, double>? LogNormalizer { get; init; }

    /// <summary>Where to write checkpoints (null: none). Checkpoints are written at the end of generation rounds.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Write a checkpoint every this many rounds.</summary>
    public int CheckpointEveryRounds { get; init; } = 1;

    /// <summary>Continue from <see cref="CheckpointPath"/> when the file exists.</summary>
    public bool Resume { get; init; }

    /// <summary>Called after every step (for learning curves); must not keep the tensors.</summary>
    public Action<BrainStepInfo>? OnStep { get; init; }

    internal void Validate()
    {
        if (SamplesPerPrompt < 1) throw new ArgumentOutOfRangeException(nameof(SamplesPerPrompt), SamplesPerPrompt, "Need at least one sample per prompt.");
        if (GroupsPerStep < 1) throw new ArgumentOutOfRangeException(nameof(GroupsPerStep), GroupsPerStep, "Need at least one group per step.");
        if (Steps < 0) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "Steps cannot be negative.");
        if (RefreshEvery < 1) throw new ArgumentOutOfRangeException(nameof(RefreshEvery), RefreshEvery, "A round has at least one step.");
        if (CheckpointEveryRounds < 1) throw new ArgumentOutOfRangeException(nameof(CheckpointEveryRounds), CheckpointEveryRounds, "Must be at least 1.");
        if (Objective.Target == TargetWeighting.LogRatio && (Proposal != ProposalSource.PolicySnapshot || RefreshEvery != 1))
            throw new ArgumentException("REINFORCE is on-policy: use Proposal = PolicySnapshot with RefreshEvery = 1.");
    }
}

/// <summary>What one step did.</summary>
/// <param name="Step">Steps done so far (1-based).</param>
/// <param name="Loss">The objective's value on the minibatch (see <see cref="DistillationObjective.Loss"/>).</param>
/// <param name="EffectiveSampleSize">Mean Kish ESS of the target weights over the minibatch's prompts.</param>
public readonly record struct BrainStepInfo(int Step, double Loss, double EffectiveSampleSize);

/// <summary>The outcome of <see cref="BrainTrainer.Train{TX, TY}"/>.</summary>
/// <param name="Steps">Steps done (including those before a resume).</param>
/// <param name="Losses">The loss of each step run in this call.</param>
/// <param name="ResumedFromStep">The step the run resumed from (0 when it started fresh).</param>
public sealed record BrainTrainingResult(int Steps, IReadOnlyList<double> Losses, int ResumedFromStep);
