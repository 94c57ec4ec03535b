using static TorchSharp.torch;

namespace Ppl.Inference.Batched;

/// <summary>
/// A model written over a <see cref="BatchedTracer"/>: one execution runs N particles or chains, each
/// random choice a tensor with leading dimension N. The generative-function operations here
/// (<see cref="Simulate"/>, <see cref="Generate"/>, <see cref="Assess"/>) mirror the scalar ones with [N]
/// scores and weights. Every operation takes the device and dtype its tensors use.
/// </summary>
/// <typeparam name="TArgs">The model's arguments.</typeparam>
/// <typeparam name="TRet">Its return value.</typeparam>
public sealed class BatchedModel<TArgs, TRet>
{
    private readonly Func<BatchedTracer, TArgs, TRet> _body;

    /// <summary>Creates a batched model from its body.</summary>
    public BatchedModel(string name, Func<BatchedTracer, TArgs, TRet> body)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(body);
        Name = name;
        _body = body;
    }

    /// <summary>The model's name, for messages.</summary>
    public string Name { get; }

    /// <summary>N unconstrained executions.</summary>
    public BatchedTrace<TRet> Simulate(TArgs args, int particles, Rng rng, Device? device = null, ScalarType dtype = ScalarType.Float64) =>
        Generate(args, null, particles, rng, device, dtype).Trace;

    /// <summary>
    /// N executions with the choices in <paramref name="constraints"/> fixed (shared or per-particle
    /// values); the weight [N] is the log density of the constrained and observed choices.
    /// </summary>
    public (BatchedTrace<TRet> Trace, Tensor Weight) Generate(TArgs args, BatchedChoices? constraints, int particles, Rng rng,
        Device? device = null, ScalarType dtype = ScalarType.Float64)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var t = Run(args, new BatchedTracer(particles, device ?? CPU, dtype, rng, constraints, assess: false, reparameterize: false));
        return (t.Trace, t.Weight);
    }

    /// <summary>
    /// The log joint density [N] of <paramref name="choices"/>, which must hold every choice the model
    /// makes; differentiable with respect to the values when they require gradients.
    /// </summary>
    public (Tensor LogDensity, TRet Return) Assess(TArgs args, BatchedChoices choices, int particles,
        Device? device = null, ScalarType dtype = ScalarType.Float64)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var t = Run(args, new BatchedTracer(particles, device ?? CPU, dtype, new Rng(0), choices, assess: true, reparameterize: false));
        return (t.Trace.Score, t.Trace.Return);
    }

    /// <summary>
    /// N executions with reparameterised draws for the unconstrained choices (differentiable with respect
    /// to the distributions' parameters), as a variational guide needs; families without a
    /// reparameterised sampler draw without gradient.
    /// </summary>
    public BatchedTrace<TRet> SimulateReparameterized(TArgs args, int particles, Rng rng, Device? device = null, ScalarType dtype = ScalarType.Float64)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return Run(args, new BatchedTracer(particles, device ?? CPU, dtype, rng, null, assess: false, reparameterize: true)).Trace;
    }

    /// <summary>Runs the body with a prepared tracer (used by the inference algorithms).</summary>
    internal (BatchedTrace<TRet> Trace, Tensor Weight) Run(TArgs args, BatchedTracer tracer)
    {
        try
        {
            var ret = _body(tracer, args);
            return (new BatchedTrace<TRet>(tracer.Particles, tracer.Choices, ret, tracer.Score), tracer.Weight);
        }
        finally
        {
            tracer.DisposeGenerator();
        }
    }
}

/// <summary>Factory methods for <see cref="BatchedModel{TArgs, TRet}"/>.</summary>
public static class BatchedModel
{
    /// <summary>A batched model with arguments.</summary>
    public static BatchedModel<TArgs, TRet> Create<TArgs, TRet>(string name, Func<BatchedTracer, TArgs, TRet> body) => new(name, body);

    /// <summary>A batched model without arguments.</summary>
    public static BatchedModel<Unit, TRet> Create<TRet>(string name, Func<BatchedTracer, TRet> body) => new(name, (t, _) => body(t));
}
