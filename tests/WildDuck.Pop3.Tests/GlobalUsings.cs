// SPDX-License-Identifier: MIT
global using System;
global using System.Linq;
global using FluentAssertions;
global using Xunit;
