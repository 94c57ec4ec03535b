using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A mixture in the MixtureSameFamily style: a categorical over K components (batch shape B) and one
/// component distribution whose batch shape is B + [K]. Log density by log-sum-exp over components.
/// </summary>
public sealed class Mixture : TensorDistribution
{
    /// <summary>Creates the mixture of <paramref name="components"/> (batch B + [K]) with weights <paramref name="mixing"/> (batch B, K categories).</summary>
    public Mixture(Categorical mixing, TensorDistribution components)
        : base(Check(mixing, components), components.EventShape, components.Device, components.DType)
    {
        MixingDistribution = mixing;
        Components = components;
    }

    private static long[] Check(Categorical mixing, TensorDistribution components)
    {
        ArgumentNullException.ThrowIfNull(mixing);
        ArgumentNullException.ThrowIfNull(components);
        var cb = components.BatchShape;
        if (cb.Length < 1 || cb[^1] != mixing.K)
            throw new ArgumentException($"The components' batch shape must end in K = {mixing.K}; got [{string.Join(", ", cb)}].", nameof(components));
        var batch = cb[..^1];
        TensorParams.BroadcastShapes(batch, mixing.BatchShape);
        return batch;
    }

    /// <summary>The categorical over components.</summary>
    public Categorical MixingDistribution { get; }

    /// <summary>The batched component distribution (batch B + [K]).</summary>
    public TensorDistribution Components { get; }

    private int EventDims => EventShape.Length;

    /// <inheritdoc />
    public override string Family => "Mixture";

    /// <inheritdoc />
    public override bool IsDiscrete => Components.IsDiscrete;

    /// <inheritdoc />
    public override Support Support => Components.Support;

    /// <inheritdoc />
    public override string? ParameterError => MixingDistribution.ParameterError ?? Components.ParameterError;

    /// <summary>The components' bijector (valid when their supports do not depend on the component).</summary>
    public override ITensorBijector Bijector => Components.Bijector;

    private Tensor Weights(int extraDims)
    {
        var w = MixingDistribution.Probs;
        for (var i = 0; i < extraDims; i++) w = w.unsqueeze(-1);
        return w;
    }

    /// <inheritdoc />
    public override Tensor Mean => (Weights(EventDims) * Components.Mean).sum(-1 - EventDims);

    /// <inheritdoc />
    public override Tensor Variance
    {
        get
        {
            var w = Weights(EventDims);
            var m = Components.Mean;
            var mean = (w * m).sum(-1 - EventDims);
            return (w * Components.Variance.Plus(m.Squared())).sum(-1 - EventDims) - mean.Squared();
        }
    }

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) =>
        new Mixture((Categorical)MixingDistribution.Expand(batchShape), Components.Expand([.. batchShape, MixingDistribution.K]));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator)
    {
        // Draw every component and pick one; simple and vectorised, at K times the cost of one draw.
        var all = ComponentsSample(sampleShape, generator); // S + B + [K] + E
        var idx = MixingDistribution.Expand(BatchShape).SampleWith(sampleShape, generator).to_type(TorchSharp.torch.ScalarType.Int64); // S + B
        var ix = idx.unsqueeze(-1);
        for (var i = 0; i < EventDims; i++) ix = ix.unsqueeze(-1);
        ix = ix.expand([.. idx.shape, 1, .. EventShape]);
        return all.gather(-1 - EventDims, ix).squeeze(-1 - EventDims);
    }

    private Tensor ComponentsSample(long[] sampleShape, Generator? generator) =>
        Components.Expand([.. BatchShape, MixingDistribution.K]).SampleWith(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var v = value.unsqueeze(-1 - EventDims);
        var lp = Components.LogProb(v); // S + B + [K]
        return lp.Plus(MixingDistribution.LogProbs).logsumexp(-1);
    }
}
