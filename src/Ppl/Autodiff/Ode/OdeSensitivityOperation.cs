namespace Ppl.Autodiff;

/// <summary>
/// The tape record of a differentiated ODE solve: one parentless node per output value (component i at output time k)
/// and this rule, which adds adjoint(output) · ∂output/∂input to each input (the entries of y₀ and θ that were variables)
/// with the partials from the forward sensitivities. Its cost in the backward sweep is outputs × inputs, independent of
/// the number of steps taken.
/// </summary>
internal sealed class OdeSensitivityOperation : TapeOperation
{
    private readonly int[] _inputs;
    private readonly double[] _partials;
    private readonly int _outputs;

    /// <param name="inputs">The inputs' tape indices.</param>
    /// <param name="partials">∂output/∂input, row-major (outputs × inputs).</param>
    /// <param name="outputs">The number of output nodes.</param>
    public OdeSensitivityOperation(int[] inputs, double[] partials, int outputs)
    {
        _inputs = inputs;
        _partials = partials;
        _outputs = outputs;
    }

    internal override void Backward(double[] adjoints, int first)
    {
        var m = _inputs.Length;
        for (var o = 0; o < _outputs; o++)
        {
            var a = adjoints[first + o];
            if (a == 0.0) continue;
            var row = o * m;
            for (var j = 0; j < m; j++) adjoints[_inputs[j]] += a * _partials[row + j];
        }
    }
}
