// SPDX-License-Identifier: MIT
global using System;
global using System.Collections.Generic;
global using System.Linq;
global using System.Threading;
global using FluentAssertions;
global using Xunit;
