using static TorchSharp.torch;

namespace Ppl.Inference.Batched;

/// <summary>
/// A sequential model for batched SMC: an initial-state program and a step program, both batched. The
/// step receives the time t (1-based) and the carried state of all N particles (leading dimension N) and
/// returns the new state; its random choices use addresses local to the step (SMC prefixes them with t).
/// </summary>
public sealed class BatchedStateSpaceModel
{
    /// <summary>Creates the model.</summary>
    /// <param name="name">For messages.</param>
    /// <param name="init">Draws the initial state x₀ (leading dimension N).</param>
    /// <param name="step">Draws xₜ given xₜ₋₁ and observes the data of step t.</param>
    public BatchedStateSpaceModel(string name, Func<BatchedTracer, Tensor> init, Func<BatchedTracer, int, Tensor, Tensor> step)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(step);
        Name = name;
        Init = new BatchedModel<Unit, Tensor>(name + "/init", (t, _) => init(t));
        Step = new BatchedModel<(int T, Tensor State), Tensor>(name + "/step", (t, a) => step(t, a.T, a.State));
    }

    /// <summary>The model's name.</summary>
    public string Name { get; }

    /// <summary>The initial-state program as a batched model.</summary>
    public BatchedModel<Unit, Tensor> Init { get; }

    /// <summary>The step program as a batched model of (t, previous state).</summary>
    public BatchedModel<(int T, Tensor State), Tensor> Step { get; }
}
