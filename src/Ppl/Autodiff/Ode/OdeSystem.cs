namespace Ppl.Autodiff;

/// <summary>
/// The system an ODE integrator advances: a state z of <see cref="Size"/> components whose first
/// <see cref="StateSize"/> are the modeler's y; the rest, for a differentiated solve, are the forward sensitivities.
/// The integrators see only this, so one stepping loop serves the value-level and the augmented system.
/// </summary>
internal abstract class OdeSystem
{
    protected OdeSystem(int stateSize, int size)
    {
        StateSize = stateSize;
        Size = size;
    }

    /// <summary>n, the length of y.</summary>
    public int StateSize { get; }

    /// <summary>The length of z.</summary>
    public int Size { get; }

    /// <summary>Evaluations of the right-hand side so far (taped ones included).</summary>
    public int Evaluations { get; protected set; }

    /// <summary>Taped evaluations (Jacobians) so far.</summary>
    public int JacobianEvaluations { get; protected set; }

    /// <summary>Writes dz/dt at (<paramref name="t"/>, <paramref name="z"/>) into <paramref name="dz"/>.</summary>
    public abstract void Derivative(double t, double[] z, double[] dz);

    /// <summary>
    /// Writes dz/dt into <paramref name="dz"/>, ∂f/∂y (n × n, row-major) into <paramref name="jacobian"/> and ∂f/∂t into
    /// <paramref name="timeDerivative"/>, for a linearly implicit method. The Jacobian of the whole of z is taken as
    /// block diagonal with ∂f/∂y in every block (exact for the sensitivity blocks of a linear ODE; a W-method keeps its
    /// order with it in general).
    /// </summary>
    public abstract void Linearize(double t, double[] z, double[] dz, double[] jacobian, double[] timeDerivative);
}
